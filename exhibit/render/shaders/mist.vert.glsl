#version 130
// Drifting mist: soft sprites that face the camera, expanded here from their centre
// (p3d_Vertex) and corner (texcoord), drifting with time and wrapping inside the area.
// Same formula as particles.py's mist_sprites(), used where there is no GLSL.
#include "common.glsl"
uniform mat4 p3d_ViewProjectionMatrix;
uniform mat4 p3d_ModelMatrix;
uniform mat4 p3d_ViewMatrixInverse;
uniform float u_time;
uniform vec4 u_mist_area;    // xyz: half size of the area (z: full height), w: drift speed (m/s)
uniform vec4 u_mist;         // x: density 0..1
in vec4 p3d_Vertex;          // sprite centre in the area (local)
in vec4 p3d_Color;           // r: size factor, g: phase, b: alpha factor
in vec2 p3d_MultiTexCoord0;  // corner in -1..1
out vec2 v_uv;
out float v_alpha;
out vec3 v_rgb;          // lit and fogged once per corner: light and haze barely change across a puff

void main() {
    vec3 cam = p3d_ViewMatrixInverse[3].xyz;
    vec3 c = p3d_Vertex.xyz;
    float phase = p3d_Color.g * 6.2831853;
    float w = u_mist_area.x * 2.0;
    c.x += u_mist_area.w * u_time * (0.7 + 0.6 * fract(p3d_Color.g * 7.0));
    c.x = c.x - w * floor((c.x + u_mist_area.x) / w);
    c.y += 0.8 * sin(u_time * 0.05 + phase) * u_mist_area.w * 3.0;
    float edge = 1.0 - smoothstep(0.75, 1.0, abs(c.x) / u_mist_area.x);
    vec3 center = (p3d_ModelMatrix * vec4(c, 1.0)).xyz;
    vec3 toward = cam - center;
    float dist = length(toward);
    vec3 f = toward / max(dist, 0.01);
    vec3 right = normalize(cross(vec3(0.0, 0.0, 1.0), f) + vec3(1e-4, 0.0, 0.0));
    vec3 up = cross(f, right);
    float size = p3d_Color.r * (1.0 + 0.1 * sin(u_time * 0.1 + phase));
    vec2 corner = p3d_MultiTexCoord0;
    float height = min(size * 0.5, u_mist_area.z * 0.8 + 2.0);
    vec3 world = center + right * corner.x * size + up * corner.y * height;
    // mist right in front of the lens would fill the view with one blob: fade it
    float near = smoothstep(size * 0.25, size * 0.9, dist);
    v_alpha = edge * near * p3d_Color.b * u_mist.x;
    v_uv = corner * 0.5 + 0.5;
    if (v_alpha < 0.003) {
        // every pixel of this puff would be discarded (mist.frag.glsl): collapse it to a
        // point so that it is not rasterized at all (a puff near the lens fills the view)
        gl_Position = vec4(0.0, 0.0, 2.0, 1.0);
        v_rgb = vec3(0.0);
        return;
    }
    gl_Position = p3d_ViewProjectionMatrix * vec4(world, 1.0);
    vec3 light = u_ambient + u_sun_color * 0.45 + lamp_light(world, vec3(0.0, 0.0, 1.0), 1.0) * 0.6;
    v_rgb = apply_fog(mix(u_fog_color.rgb, vec3(0.92, 0.93, 0.94) * light, 0.45), cam, world);
}
