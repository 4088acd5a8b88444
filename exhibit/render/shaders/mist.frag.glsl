#version 130
#include "common.glsl"
uniform sampler2D p3d_Texture0;   // a soft puff
uniform vec4 p3d_ColorScale;
in vec2 v_uv;
in float v_alpha;
in vec3 v_world;
in vec3 v_cam;
out vec4 o_color;

void main() {
    float a = texture(p3d_Texture0, v_uv).a * v_alpha * p3d_ColorScale.a;
    if (a < 0.003) discard;
    vec3 light = u_ambient + u_sun_color * 0.45 + lamp_light(v_world, vec3(0.0, 0.0, 1.0), 1.0) * 0.6;
    vec3 color = mix(u_fog_color.rgb, vec3(0.92, 0.93, 0.94) * light, 0.45);
    o_color = vec4(apply_fog(color, v_cam, v_world), a);
}
