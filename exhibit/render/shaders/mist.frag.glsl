#version 130
// Mist: a soft puff's alpha times the colour lit and fogged in mist.vert.glsl.
uniform sampler2D p3d_Texture0;   // a soft puff
uniform vec4 p3d_ColorScale;
in vec2 v_uv;
in float v_alpha;
in vec3 v_rgb;
out vec4 o_color;

void main() {
    float a = texture(p3d_Texture0, v_uv).a * v_alpha * p3d_ColorScale.a;
    if (a < 0.003) discard;
    o_color = vec4(v_rgb, a);
}
